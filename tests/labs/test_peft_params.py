"""PEFT counts: the lab's closed forms against parameters counted on real ref modules, and the cards' numbers."""

import torch

from mldrill.labs.peft_params import BASE, adapter_params, counts, lora_total, run
from mldrill.ref.lora import LoRALinear
from mldrill.ref.mechanics import count_trainable
from mldrill.ref.peft import Adapter


def test_counts_match_instantiated_modules() -> None:
    lora = LoRALinear(torch.nn.Linear(48, 20, bias=False), r=4, alpha=8)
    assert count_trainable(lora) == 4 * (48 + 20)
    assert count_trainable(Adapter(48, 8)) == adapter_params(48, 8)


def test_card_numbers() -> None:
    assert lora_total(16, ("q_proj",)) // 32 == 131_072 and round(100 * 131_072 / 4096**2, 2) == 0.78
    assert lora_total(16) == 41_943_040 and round(100 * lora_total(16) / BASE, 2) == 0.52
    assert lora_total(8, ("q_proj", "v_proj")) == 3_407_872
    c = counts(16, 20, 64)
    assert c["(IA)³"] == 524_288 and c["prompt p = 20"] == 81_920
    assert adapter_params(768, 64) == 99_136 and 24 * adapter_params(768, 64) == 2_379_264
    assert adapter_params(768, 8) == 13_064
    assert counts(16, 20, 64)["prefix p = 20"] == 32 * 20 * 2 * 4096
    from mldrill.ref.lora import prefix_params

    assert prefix_params(12, 20, 768) == 368_640 and 20 * 768 == 15_360 and 368_640 // 15_360 == 24
    # comparison card: LoRA ~0.5 %, prompt ~0.001 %, prefix ~0.1 % (within a factor 2 at p = 20, MHA width)
    assert round(100 * c["prompt p = 20"] / BASE, 3) == 0.001
    assert 0.05 < 100 * c["prefix p = 20"] / BASE < 0.2
    mem = run().numbers["memory"]
    assert mem["full FT, Adam mixed (GB, 7B)"] == 112 and mem["frozen base bf16 (GB, 7B)"] == 14
    assert mem["frozen base NF4 (GB, 7B)"] == 3.5
