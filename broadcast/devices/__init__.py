"""The device side: MQTT clients (publisher, listener), the signed protocol,
credentials, the broker's generated config, and the reference simulator."""
