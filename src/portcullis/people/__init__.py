"""People: one record of each person, their names in any script, nationalities and documents."""
