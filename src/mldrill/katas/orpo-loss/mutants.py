"""Classic wrong ORPO losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def orpo_loss(nll_chosen, mean_logp_chosen, mean_logp_rejected, *, lam=0.1):
    log_odds_w = mean_logp_chosen - torch.log(-torch.expm1(mean_logp_chosen))
    log_odds_l = mean_logp_rejected - torch.log(-torch.expm1(mean_logp_rejected))
    penalty = F.logsigmoid(log_odds_w - log_odds_l).mean()
    return nll_chosen.mean() - lam * penalty
"""

GENERIC = "matches the ORPO loss on random pairs"

MUTANTS = [
    mutant(
        "log-probs instead of log odds",
        "F.logsigmoid(log_odds_w - log_odds_l)",
        "F.logsigmoid(mean_logp_chosen - mean_logp_rejected)",
        "log odds, not log probabilities",
        GENERIC,
        "accurate when a response is nearly certain",  # there the log odds is about 35, the log-prob about 0
    ),
    mutant(
        "rejected minus chosen",
        "F.logsigmoid(log_odds_w - log_odds_l)",
        "F.logsigmoid(log_odds_l - log_odds_w)",
        "raising the chosen log-prob lowers the loss",
        GENERIC,
        "log odds, not log probabilities",  # any wrong margin changes the value there too
        "accurate when a response is nearly certain",
    ),
    mutant(
        "NLL summed over pairs",
        "return nll_chosen.mean() - lam * penalty",
        "return nll_chosen.sum() - lam * penalty",
        "the SFT term is the mean NLL of the chosen responses",
        GENERIC,
        "ln 2 penalty when chosen and rejected are equally likely",  # its NLL is not zero either
        "accurate when a response is nearly certain",
    ),
    mutant(
        "plus lam times the log-sigmoid",
        "return nll_chosen.mean() - lam * penalty",
        "return nll_chosen.mean() + lam * penalty",
        "ln 2 penalty when chosen and rejected are equally likely",
        GENERIC,
        "log odds, not log probabilities",
        "raising the chosen log-prob lowers the loss",
        "accurate when a response is nearly certain",
    ),
    mutant(
        "1 - p formed from exp",
        "log_odds_l = mean_logp_rejected - torch.log(-torch.expm1(mean_logp_rejected))",
        "log_odds_l = mean_logp_rejected - torch.log1p(-torch.exp(mean_logp_rejected))",
        "accurate when a response is nearly certain",
    ),
]
