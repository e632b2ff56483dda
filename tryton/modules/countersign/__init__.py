# Countersign's organisation policy in Tryton: one policy document every user may read and only
# the "Countersign Administration" group may change, and a "Countersign Users" group for who
# may use the assistant. Countersign reads it with each user's own session.
from trytond.pool import Pool

from . import policy


def register():
    Pool.register(
        policy.Policy,
        module='countersign', type_='model')
