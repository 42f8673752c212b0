package org.backplane.client;

/** A topic name or pattern that breaks the rules of {@link TopicName} / {@link TopicPattern}. */
public final class InvalidTopicException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a sentence saying what is wrong. */
    public InvalidTopicException(String message) {
        super(message);
    }
}
