"""What every lesson is built from. Today: safe text, the one way outside text reaches the page."""
