"""Admin panels of engage: what the citizen sent, shown to the official."""

from wagtail.admin.panels import Panel


class CitizenPanel(Panel):
    """Name, phone, e-mail and photos of a feedback, read-only (ux B7): the
    official needs them to call back or go and see, and they are never
    editable by the unit."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "engage/admin/citizen_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            feedback = self.instance
            context["feedback"] = feedback
            context["photos"] = list(feedback.photos.all()) if feedback.pk else []
            return context
