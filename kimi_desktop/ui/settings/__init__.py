"""The settings dialog: endpoint list, endpoint form, keys, prices, preferences."""
