from django import forms
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import FollowLevel
from portal.committees.forums.services import MAX_BODY

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italics*, lists with -, links [text](https://…), quotes with >. "
    "Mention a member with @[First Last]: type @ to choose from the committee's members."
)


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        help_text=MARKDOWN_HELP,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)

    field_order = ["title", "body"]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, told to the author"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )


class FollowForm(forms.Form):
    level = forms.ChoiceField(label=_("Follow"), choices=FollowLevel.choices)
