extensions = ["myst_nb", "jacdoc_docs.streams"]
nb_execution_mode = "force"
nb_merge_streams = True
