"""Reviews (DHRs and DArDRs) and their subjects."""
