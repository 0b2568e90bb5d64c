import pytest
from comfydata import SAMPLE_FOLDER
from server_calls import upload

from lib_dazdepth.engine.sample import write_sample


@pytest.fixture(scope="session")
def uploaded(tmp_path_factory):
    """What ``daz-depth sample`` writes (full size), uploaded into the running ComfyUI's
    input folder ``daz_depth_sample``: (the local copy, its paths)."""
    local = tmp_path_factory.mktemp("server") / SAMPLE_FOLDER
    paths = write_sample(local)
    for path in (paths.beauty_png, paths.beauty_exr, paths.depth_exr, paths.normal_exr):
        upload(path, str(path.parent.relative_to(local.parent)))
    return local, paths
