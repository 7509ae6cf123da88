from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import FollowLevel
from portal.committees.forums import attachments
from portal.committees.forums.services import MAX_BODY

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italics*, lists with -, links [text](https://…), quotes with >. "
    "Mention a member with @[First Last]: type @ to choose from the committee's members. "
    "Link a resource or a territory: type # and the start of its name to choose its page."
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files chosen in one input (Django's FileField takes one): a list of them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": attachments.ACCEPTED}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        files = [one(item, initial) for item in (data or []) if item]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def _files_help():
    return ngettext(
        "At most %(count)s file of %(mb)s MB: PDF, PNG, JPEG, WebP, DOCX, XLSX, ODT or ODS.",
        "At most %(count)s files of %(mb)s MB each: PDF, PNG, JPEG, WebP, DOCX, XLSX, ODT or ODS.",
        attachments.MAX_PER_POST,
    ) % {"count": attachments.MAX_PER_POST, "mb": attachments.MAX_MEGABYTES}


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        help_text=MARKDOWN_HELP,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    attachments = FilesField(label=_("Attached files"), required=False)

    def __init__(self, *args, removable=None, **kwargs):
        """`removable`: the post's attached files its author may still remove (editing)."""
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _files_help()
        if removable is not None:
            self.fields["remove"] = forms.ModelMultipleChoiceField(
                label=_("Remove attached files"),
                queryset=removable,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        attachments.attachments_check(files=files)
        return files

    def clean(self):
        cleaned = super().clean()
        # Files named for removal that the form does not offer: someone else's, or the time
        # to remove them has passed.
        if "remove" not in self.fields and self.data.get("remove"):
            self.add_error(None, gettext("These files can no longer be removed from this post."))
        return cleaned


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)

    field_order = ["title", "category", "body"]

    def __init__(self, *args, categories=None, **kwargs):
        """`categories`: the forum's categories, one of which the author may choose."""
        super().__init__(*args, **kwargs)
        if categories is not None and categories.exists():
            self.fields["category"] = forms.ModelChoiceField(
                label=_("Category"),
                queryset=categories,
                required=False,
                empty_label=gettext("No category"),
            )
            self.order_fields(self.field_order)


class CategoryForm(forms.Form):
    """A category of a committee's forum, as its coordinators define it."""

    name = forms.CharField(label=_("Name"), max_length=80)
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("The forum lists its categories from the smallest number."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ThreadCategoryForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = gettext("No category")


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, told to the author"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )


class FollowForm(forms.Form):
    level = forms.ChoiceField(label=_("Follow"), choices=FollowLevel.choices)
