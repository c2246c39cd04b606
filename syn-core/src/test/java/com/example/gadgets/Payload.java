package com.example.gadgets;

import java.io.Serializable;

/** A serializable class outside the default deserialization allowlist, as an attacker's gadget would be. */
public record Payload(String content) implements Serializable {}
