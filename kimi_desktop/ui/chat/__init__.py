"""The conversation as a person reads it: the virtualised view, its rows, message parts."""
