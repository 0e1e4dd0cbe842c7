extensions = ["myst_nb", "jacdoc_docs.streams"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
