"""Border control: ports, examinations, movements and carriers' passenger lists."""
