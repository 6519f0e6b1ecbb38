"""The subscription that turns work's and tenancy's events into watches and notifications."""
