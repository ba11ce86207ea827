-- DeliveryFailure of a forwarded message: find the Berichtenlog row of the forward by its ebMS MessageId.
CREATE INDEX routing_log_forwarded ON routing_log(forwarded_message_id);
