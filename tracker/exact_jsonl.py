"""JSON Lines fixtures that keep times to the microsecond (Django's JSON encoder cuts them to
milliseconds, so a restored history would not equal the original). Registered as the serialization
format "exactjsonl" (settings.SERIALIZATION_MODULES) and used by tracker.backups."""

import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = jsonl.Deserializer
