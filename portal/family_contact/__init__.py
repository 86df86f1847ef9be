"""The family-contact log: family members and key contacts, dated contact entries, milestones."""
