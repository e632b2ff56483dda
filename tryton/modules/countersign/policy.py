import json

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError

# A fresh install lets only members of "Countersign Users" use the assistant, and changes ask.
DEFAULT_DOCUMENT = json.dumps({
    'access': {'groups': ['Countersign Users']},
    'defaults': {'write': 'ask'},
    }, indent=2) + '\n'


class Policy(ModelSingleton, ModelSQL, ModelView):
    "Countersign Policy"
    __name__ = 'countersign.policy'
    document = fields.Text(
        "Policy", required=True,
        help="The organisation policy as JSON, in the format of Countersign's "
        "policy.schema.json (see Countersign's docs/administrators.md).")

    @staticmethod
    def default_document():
        return DEFAULT_DOCUMENT

    @classmethod
    def validate(cls, policies):
        super().validate(policies)
        for policy in policies:
            # The full schema is checked by Countersign, which makes everything ask and says
            # why if it does not match; here we refuse what is not even a JSON object.
            try:
                value = json.loads(policy.document or '')
            except ValueError as exception:
                raise ValidationError(
                    "The Countersign policy is not valid JSON: %s" % exception)
            if not isinstance(value, dict):
                raise ValidationError(
                    "The Countersign policy must be a JSON object.")
