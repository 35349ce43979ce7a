"""The screens: the main one (chat, sidebar, input and their handlers) and the dialogs over it."""
