#!/usr/bin/env python3
# The expected values of tests/analysis/test_rank_normalized.cpp, from an implementation written
# from the paper with the Python standard library only (NormalDist for the normal quantile):
#   python3 tests/analysis/rank_normalized_reference.py
# rank-normalized split-R̂ written from Vehtari et al. (2021), eqs. in §4.
from statistics import NormalDist, median, mean, variance
import math
def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i]); r=[0]*len(values); i=0
    while i < len(order):
        j=i
        while j < len(order) and values[order[j]]==values[order[i]]: j+=1
        for k in range(i,j): r[order[k]]=(i+j+1)/2
        i=j
    return r
def z(chains):
    flat=[v for c in chains for v in c]; S=len(flat); r=ranks(flat)
    zs=[NormalDist().inv_cdf((x-0.375)/(S+0.25)) for x in r]
    out=[]; k=0
    for c in chains: out.append(zs[k:k+len(c)]); k+=len(c)
    return out
def split_rhat(chains):
    n=len(chains[0])//2; halves=[]
    for c in chains: halves += [c[:n], c[len(c)-n:]]
    W=mean(variance(h) for h in halves); B=n*variance([mean(h) for h in halves])
    return math.sqrt(((n-1)/n*W + B/n)/W)
def rn_rhat(chains):
    m=median([v for c in chains for v in c])
    return max(split_rhat(z(chains)), split_rhat(z([[abs(v-m) for v in c] for c in chains])))
a=[[0.3,1.2,-0.5,0.8,2.0,0.1],[1.1,1.9,0.7,2.5,1.4,0.9],[-0.2,0.4,0.0,-1.0,0.6,0.2],[0.5,0.5,3.0,-2.0,0.05,1.5]]
print(repr(rn_rhat(a)), repr(split_rhat(z(a))), repr(split_rhat(a)))
b=[[0.1,-0.2,0.15,-0.05,0.2,-0.1],[-0.15,0.05,0.1,-0.2,0.0,0.12],[2.0,-3.0,1.5,-2.5,3.2,-1.8],[-2.2,2.8,-1.1,1.9,-3.5,2.4]]
m=median([v for c in b for v in c])
print("tail case", repr(rn_rhat(b)), "bulk", repr(split_rhat(z(b))), "tail", repr(split_rhat(z([[abs(v-m) for v in c] for c in b]))), "classic", repr(split_rhat(b)))
# Effective sample size written from Vehtari et al. (2021), eqs. 10–11, with Geyer's initial
# monotone sequence; autocovariances summed directly (O(n²)), not by FFT as the C++ does.
def ess(chains):
    M=len(chains); n=len(chains[0])
    def acov(c, t):
        m=mean(c); return sum((c[i]-m)*(c[i+t]-m) for i in range(n-t))/n
    W=mean(variance(c) for c in chains); var_plus=(n-1)/n*W + variance([mean(c) for c in chains])
    rho=lambda t: 1-(W-mean(acov(c,t) for c in chains))/var_plus
    tau=-1; prev=float('inf'); t=0
    while t+1 < n:
        p=rho(t)+rho(t+1)
        if p <= 0: break
        p=min(p, prev); tau+=2*p; prev=p; t+=2
    return M*n/max(tau, 1/math.log10(M*n))
def halves(chains):
    out=[]
    for c in chains: h=len(c)//2; out += [c[:h], c[len(c)-h:]]
    return out
def quantile(chains, q):
    v=sorted(x for c in chains for x in c); p=q*(len(v)-1); lo=math.floor(p); hi=min(lo+1,len(v)-1)
    return v[lo]+(p-lo)*(v[hi]-v[lo])
def bulk_ess(chains): return ess(halves(z(chains)))
def tail_ess(chains):
    lo=quantile(chains,0.05); hi=quantile(chains,0.95); h=halves(chains)
    return min(ess([[1.0 if x<=lo else 0.0 for x in c] for c in h]), ess([[1.0 if x>=hi else 0.0 for x in c] for c in h]))
# AR(1) sequences x_t = 0.8 x_{t−1} + sin(7.3 t + 1.1 k) with chain k's offset, 40 points each.
ar=[]
for k in range(4):
    x=0.5*k; c=[]
    for t in range(40): x=0.8*x+math.sin(7.3*t+1.1*k); c.append(x)
    ar.append(c)
print("ess", repr(ess(ar)), "bulk", repr(bulk_ess(ar)), "tail", repr(tail_ess(ar)))
