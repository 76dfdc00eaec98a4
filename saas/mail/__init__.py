"""The one mail service: every outgoing message is recorded, then delivered by SMTP or kept in the mailbox."""
