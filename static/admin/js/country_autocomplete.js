/* Country fields as autocompletes: Select2 (vendored by Django admin) over the field's own options, no requests. */
'use strict';
{
    const $ = django.jQuery;
    function init(root) {
        $(root).find('select.country-autocomplete').not('[name*=__prefix__]').each(function () {
            if (!$(this).data('select2')) {
                $(this).select2({width: $(this).prop('multiple') ? '32em' : '20em', allowClear: !this.required,
                                 placeholder: this.dataset.placeholder || ''});
            }
        });
    }
    $(document).ready(function () { init(document); });
    $(document).on('formset:added', function (event) { init(event.target); });
}
