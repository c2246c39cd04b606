package org.example.foreign;

import java.io.Serializable;

/** A Serializable record outside the allowed packages. */
public record ForeignSerializable(String content) implements Serializable {}
