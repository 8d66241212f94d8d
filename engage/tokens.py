"""Secrets only a citizen holds, so nobody acts in their name.

- The *rating key* of a feedback: the tracking code is public (the results
  list prints it), so rating the answer needs a second value derived from
  the code and the installation's secret key (HMAC). It is given only to the
  sender: on the "sent" page right after filing and in the e-mails about
  their feedback. Changing ``SECRET_KEY`` invalidates the links.
- The *survey ballot*: every survey form carries a signed, single-use
  ballot (a random nonce, valid ``BALLOT_MAX_AGE``); the nonce becomes the
  response's token, which is unique per survey, so one ballot counts once.
  Together with the cookie and a per-address rate per survey
  (``RATELIMITS["engage.survey_answer"]``) this bounds stuffing; see
  docs/SECURITY.md for what it does not prevent.
"""

import uuid

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

RATING_SALT = "ttcs.engage.feedback.rating"
BALLOT_SALT = "ttcs.engage.survey.ballot"
BALLOT_MAX_AGE = 12 * 3600


def rating_key(feedback):
    return salted_hmac(RATING_SALT, feedback.code).hexdigest()[:32]


def rating_key_ok(feedback, key):
    return bool(key) and constant_time_compare(rating_key(feedback), str(key))


def rating_url(feedback):
    return f"{feedback.public_url()}?k={rating_key(feedback)}"


def issue_ballot(survey):
    return signing.dumps([survey.pk, uuid.uuid4().hex], salt=BALLOT_SALT)


def ballot_nonce(survey, ballot):
    """The ballot's nonce if it is this survey's, signed and fresh; else None."""
    try:
        pk, nonce = signing.loads(
            str(ballot or ""), salt=BALLOT_SALT, max_age=BALLOT_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return nonce if pk == survey.pk and isinstance(nonce, str) else None
