"""The settings dialog: endpoint list, endpoint form (keys, prices, test), preferences."""
