"""`form_field`: one field with its label, help text and error, linked for screen
readers, for each kind of control; every text escaped exactly once."""

from __future__ import annotations

from django import forms

from socialdomain.templatetags.form_controls import form_field, form_fields

MARKUP = "<b>&</b>"
ESCAPED = "&lt;b&gt;&amp;&lt;/b&gt;"


class Example(forms.Form):
    name = forms.CharField(label=f"Naam {MARKUP}", help_text=f"Hulp {MARKUP}")
    kind = forms.ChoiceField(label="Soort", choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(label="Akkoord", help_text="Verplicht")
    days = forms.MultipleChoiceField(
        label="Dagen",
        choices=[("mon", f"Maandag {MARKUP}"), ("tue", "Dinsdag")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Kies er een of meer",
    )
    way = forms.ChoiceField(
        label="Manier",
        choices=[("phone", "Telefoon"), ("mail", "E-mail")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_name(self) -> str:
        raise forms.ValidationError(f"Fout {MARKUP}")


def test_a_control_under_its_label_with_help_and_error_linked() -> None:
    html = form_field(Example(data={"name": "x"})["name"])
    assert html.startswith('<div class="mb-3"><label class="form-label" for="id_name">')
    assert f"Naam {ESCAPED}</label>" in html
    assert f'<div class="form-text" id="id_name_help">Hulp {ESCAPED}</div>' in html
    assert (
        f'<div class="invalid-feedback d-block" id="id_name_error">Fout {ESCAPED}</div>'
        in html
    )
    assert 'class="form-control is-invalid"' in html
    assert 'aria-describedby="id_name_help id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert MARKUP not in html


def test_a_select_gets_the_select_class_and_no_links_without_help_or_error() -> None:
    html = form_field(Example(initial={"kind": "b"})["kind"])
    assert '<select name="kind" class="form-select" id="id_kind">' in html
    assert '<option value="b" selected>B</option>' in html
    assert "aria-describedby" not in html


def test_a_check_box_in_its_form_check() -> None:
    unticked = form_field(Example(data={})["agree"])
    assert unticked.startswith(
        '<div class="mb-3 form-check"><input type="checkbox" name="agree" '
        'id="id_agree" class="form-check-input is-invalid" '
        'aria-describedby="id_agree_help id_agree_error">'
        '<label class="form-check-label" for="id_agree">Akkoord</label>'
    )
    ticked = form_field(Example(data={"agree": "on"})["agree"])
    assert 'class="form-check-input" checked aria-describedby="id_agree_help">' in (
        ticked
    )


def test_a_list_of_check_boxes_or_radio_buttons_is_a_fieldset_with_a_legend() -> None:
    html = form_field(Example(data={"days": ["tue"]})["days"])
    assert html.startswith(
        '<fieldset class="mb-3" aria-describedby="id_days_help">'
        '<legend class="form-label fs-6 fw-semibold">Dagen</legend>'
        '<div class="form-text mb-2" id="id_days_help">Kies er een of meer</div>'
    )
    assert (
        '<div class="form-check"><input type="checkbox" name="days" value="mon" '
        'class="form-check-input" id="id_days_0"><label class="form-check-label" '
        f'for="id_days_0">Maandag {ESCAPED}</label></div>'
    ) in html
    assert 'value="tue" class="form-check-input" id="id_days_1" checked>' in html
    assert html.endswith("</fieldset>")
    radio = form_field(Example(data={})["way"])
    assert radio.startswith(
        '<fieldset class="mb-3" aria-describedby="id_way_error"><legend'
    )
    assert '<div class="invalid-feedback d-block mb-2" id="id_way_error">' in radio
    assert radio.count('type="radio"') == 2


def test_a_hidden_field_is_only_its_input_and_a_form_is_its_fields_in_order() -> None:
    form = Example(initial={"secret": "s"})
    assert form_field(form["secret"]) == (
        '<input type="hidden" name="secret" value="s" id="id_secret">'
    )
    html = form_fields(form)
    assert [html.index(f'id="id_{name}') for name in form.fields] == sorted(
        html.index(f'id="id_{name}') for name in form.fields
    )
