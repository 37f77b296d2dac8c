from django import template

from portcullis.correspondence.text import format_date, kind_label, method_label

register = template.Library()


@register.filter
def letterdate(value, lang="en"):
    return format_date(value, lang)


@register.filter
def kindlabel(value, lang="en"):
    return kind_label(value, lang)


@register.filter
def methodlabel(value, lang="en"):
    return method_label(value, lang)
