"""Getting the memos to their readers: who gets what (:mod:`~reports.delivery.recipients`),
sending each message exactly once (:mod:`~reports.delivery.distribute`), the messages
(:mod:`~reports.delivery.messages`), SMTP and the drop folder
(:mod:`~reports.delivery.channels`), ``send`` and ``ack`` (:mod:`~reports.delivery.send`),
mail to editors and the operator (:mod:`~reports.delivery.notices`). Import the modules
themselves; this imports nothing.
"""
