"""Public Spaces Protection Orders (Anti-social Behaviour, Crime and Policing Act 2014 ss.59-75)."""
