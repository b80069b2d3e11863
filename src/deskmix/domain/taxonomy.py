"""Skill domains: the kinds of knowledge a ticket needs. Users may rename, add or merge them."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DOMAINS: dict[str, str] = {
    "end_user": "Devices, peripherals, printers, operating system, office apps",
    "accounts_access": "Identity, passwords, permissions",
    "network": "LAN, WAN, Wi-Fi, VPN, firewalls, DNS",
    "security": "Threats, incidents, vulnerabilities, compliance",
    "cloud_infra": "Servers, virtualisation, cloud",
    "data_db": "Databases, storage, backup",
    "business_apps": "ERP, CRM and line-of-business applications",
    "procurement_hr": "Purchases, on- and off-boarding",
    "architecture_projects": "Design work and projects",
}


@dataclass(frozen=True)
class SkillTaxonomy:
    """The set of domain names a desk uses, with one-line descriptions for humans."""

    domains: dict[str, str]

    def __contains__(self, name: object) -> bool:
        return name in self.domains

    @property
    def names(self) -> list[str]:
        return list(self.domains)

    @classmethod
    def default(cls) -> SkillTaxonomy:
        return cls(dict(DEFAULT_DOMAINS))
