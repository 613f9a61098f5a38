"""Match expected.csv against settlement.csv with pandas merges, the way a
finance analyst would: exact PSP reference, amount and currency first, then
order number (merchant reference), amount and currency for the lines left.
Prints the same key=value figures as `go run ./reconcile/bench run`."""

import resource
import sys
import time

import pandas as pd


def main(directory):
    start, start_cpu = time.perf_counter(), time.process_time()
    # Every column as text: amounts compare as written, exactly, never as floats.
    exp = pd.read_csv(f"{directory}/expected.csv", dtype=str, keep_default_na=False)
    lines = pd.read_csv(f"{directory}/settlement.csv", dtype=str, keep_default_na=False)
    exp["eid"] = range(len(exp))
    lines["lid"] = range(len(lines))
    captures = lines[lines["type"] == "capture"]

    by_psp = captures[captures["psp_reference"] != ""].merge(
        exp[exp["psp_reference"] != ""],
        left_on=["psp_reference", "gross", "currency"],
        right_on=["psp_reference", "amount", "currency"],
        how="inner",
    )
    # A reference settles once: keep one pair per line and per payment.
    by_psp = by_psp.drop_duplicates("lid").drop_duplicates("eid")

    rest_lines = captures[~captures["lid"].isin(by_psp["lid"]) & (captures["merchant_reference"] != "")]
    rest_exp = exp[~exp["eid"].isin(by_psp["eid"])]
    by_order = rest_lines.merge(
        rest_exp,
        left_on=["merchant_reference", "gross", "currency"],
        right_on=["order_no", "amount", "currency"],
        how="inner",
    )
    # Only a line whose order and amount single out one payment is a match.
    by_order = by_order[~by_order.duplicated("lid", keep=False) & ~by_order.duplicated("eid", keep=False)]

    matched = len(by_psp) + len(by_order)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"engine=pandas lines={len(lines)} expected={len(exp)} matched={matched} "
        f"unmatched_lines={len(lines) - matched} unmatched_expected={len(exp) - matched} "
        f"seconds={elapsed:.3f} cpu_seconds={cpu:.3f} max_rss_mib={rss_mib:.0f}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
