"""nbgrader settings of the trainee's JupyterLab (its "Assignments" tab): the course, and where a
cohort's exchange is when the instructor sets CLUSTERLAB_EXCHANGE (see clusterlab.grading.nbconfig)."""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)
c.CourseDirectory.course_id = "clusterlab"
if os.environ.get("CLUSTERLAB_EXCHANGE"):
    c.Exchange.root = os.environ["CLUSTERLAB_EXCHANGE"]
