"""Community safety partnerships and the agencies that answer trawls."""
