from django import forms

from lti.services.deep_linking import LinkTarget


class LinkTargetForm(forms.Form):
    """The deep-linking choice: one of the targets offered, by its value."""

    target = forms.ChoiceField(widget=forms.RadioSelect, label="Add")

    def __init__(self, *args, targets: list[LinkTarget], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {target.value: target for target in targets}
        self.fields["target"].choices = [
            (target.value, f"{target.title} ({target.points:g} points)") for target in targets
        ]
