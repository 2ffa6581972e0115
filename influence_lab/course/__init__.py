"""What turns the notebooks into teaching and a report.

- :mod:`~influence_lab.course.narrative` - numbers in prose, computed (``say``);
- :mod:`~influence_lab.course.plotting` - one theme and one function per kind of figure;
- :mod:`~influence_lab.course.notebooks` - reading notebooks (titles, questions, solution cells);
- :mod:`~influence_lab.course.report` - ``make report``: the HTML pages of the executed notebooks;
- :mod:`~influence_lab.course.student` - ``make student``: copies without solutions.

The top layer: may import from everything below (studies, scoring, datasets, contract).
"""
