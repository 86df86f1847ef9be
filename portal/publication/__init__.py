"""Publishing the anonymised report and executive summary, and taking them down after a year."""
