"""ACH: the NACHA debit file an MSP's bank accepts, the bank's return files, and the checks on bank details."""
