"""Where a prompt is written: the text box, Send/Stop, the attachment strip, previews."""
