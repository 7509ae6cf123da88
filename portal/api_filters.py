"""The API's filter backend and pagination: stricter than the defaults about what a query
may say, so that the schema's promises are what is checked."""

import re

from django.db import models
from django.utils.translation import gettext as _
from django_filters import NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

INTEGER = re.compile(r"-?\d+")


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, answering 400 where it would quietly ignore a filter: a
    declared filter given empty (`?level=`), or a decimal for a whole number (`?period=0.5`,
    which django-filter reads as a decimal). What the schema promises is then what is
    checked."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {}
        for name, value in request.query_params.items():
            declared = filterset.filters.get(name)
            if declared is None:
                continue
            if not value.strip():
                errors[name] = [_("This parameter is empty; leave it out or give a value.")]
            elif _is_integer(filterset, declared) and not INTEGER.fullmatch(value.strip()):
                errors[name] = [_("A whole number is expected.")]
        if errors:
            raise ValidationError(errors)
        return filterset


def _is_integer(filterset, declared):
    if not isinstance(declared, NumberFilter) or filterset._meta.model is None:
        return False
    field = get_model_field(filterset._meta.model, declared.field_name)
    return isinstance(field, models.IntegerField)


class StrictPageNumberPagination(PageNumberPagination):
    """DRF's page numbers, refusing an empty `?page=` (DRF reads it as the first page)."""

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is not None and not value.strip():
            raise ValidationError({self.page_query_param: [_("A page number is expected.")]})
        return super().get_page_number(request, paginator)
