"""Host glue for the webui (A1111 1.10 and Forge): imported only inside a webui."""
