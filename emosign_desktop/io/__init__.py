"""Files in and out: the EmoSign CSV formats (ELAN, predictions and packs come later)."""
