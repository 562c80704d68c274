"""The ASB Case Review (the "Community Trigger", Anti-social Behaviour, Crime and Policing Act
2014 s.104) on the shared case record: complaints counted across agencies, the second-report
prompt, the review's stages and the annual published figures. The rules are the engine's
(:mod:`saferplaces.casework.case_review`, :mod:`saferplaces.casework.case_review_figures`)."""
