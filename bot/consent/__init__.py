"""KVKK (6698): the information notice built from configuration, and consent per purpose."""
