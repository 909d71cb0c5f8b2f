"""Delivery of documents by email: messages from an editable template, .eml files, SMTP, and the Sent sheet."""
