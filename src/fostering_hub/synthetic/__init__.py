"""Seeded synthetic data: a year of enquiries and journeys for a hub's member LAs.

>>> from fostering_hub.config import load_config
>>> from fostering_hub.synthetic import generate_year
>>> year = generate_year(load_config(), seed=7, enquiries=50)
>>> len(year.enquiries) == len(year.journeys) == 50
True

Everything is fictitious and safe to publish: names from ``faker`` (en_GB; install the
``demo`` extra), phone numbers from Ofcom's drama ranges, email addresses at the
reserved example domains and random postcodes in approximate districts. Funnel rates
default to published figures (Ofsted, Fostering Network), each cited on
:class:`FunnelRates`. ``faker`` is imported only when :func:`generate_year` runs.
"""

from ._rates import FunnelRates
from ._year import SyntheticYear, generate_year

__all__ = ["FunnelRates", "SyntheticYear", "generate_year"]
