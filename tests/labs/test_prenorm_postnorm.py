"""layer-rms-group-norm/pre-vs-post-norm: at init, post-norm's last-block gradient is larger than pre-norm's by a
factor that grows with depth (Xiong et al., 2020: O(1) vs O(1/sqrt(L)))."""

from mldrill.labs.prenorm_postnorm import grad_profile


def test_post_norm_output_gradients_do_not_shrink_with_depth() -> None:
    pre = [grad_profile("pre", d, 32, 0)[-1] for d in (4, 16)]
    post = [grad_profile("post", d, 32, 0)[-1] for d in (4, 16)]
    assert pre[1] < 0.8 * pre[0]  # pre-norm: shrinks with depth
    assert 0.75 < post[1] / post[0] < 1.33  # post-norm: about constant
    assert post[1] / pre[1] > post[0] / pre[0] > 1
