"""What integrations does when other contexts' events arrive on the bus."""
