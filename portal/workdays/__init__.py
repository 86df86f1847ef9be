"""Working days in England and Wales: weekends and bank holidays do not count."""
