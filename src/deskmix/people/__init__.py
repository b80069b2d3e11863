"""The human side of the mix: self-assessment, skills matrix, bus factor, hidden specialists.

Data (questionnaire, roles, certification catalogue) lives in ``deskmix/data/people/`` as YAML
a user may copy and edit; this package holds only the rules that read it.
"""
