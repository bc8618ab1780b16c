// Settings and administration (S13): the signed-in member, their organisation and what the
// admin pages list. Each action returns the database's answer as a Result and, on success,
// updates what the pages show. The rules of what may change live in settings-rules.ts (shown)
// and in the database (enforced).
import * as api from '$lib/api/settings';
import type { Result } from '$lib/result';
import type { Database } from '$lib/database.types';
import { session } from './session.svelte';
import {
  assignableLevels,
  effectiveLevel,
  whyNotJobs,
  whyNotManage,
  whyNotOrgSettings,
  type Actor,
} from './settings-rules';

type MemberRow = Database['public']['Tables']['members']['Row'];

export class SettingsState {
  #me = $state.raw<MemberRow | null>(null);
  #org = $state.raw<api.Organization | null>(null);
  #members = $state.raw<MemberRow[]>([]);
  #agencies = $state.raw<{ id: string; name: string }[]>([]);
  #invitations = $state.raw<api.Invitation[]>([]);
  #jobs = $state.raw<api.JobDetail[]>([]);
  #fields = $state.raw<api.CustomField[]>([]);
  #domains = $state.raw<api.SendingDomain[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #seq = 0;

  constructor(private readonly userId: () => string | null) {}

  get me() {
    return this.#me;
  }
  get org() {
    return this.#org;
  }
  get members(): readonly MemberRow[] {
    return this.#members;
  }
  get agencies() {
    return this.#agencies;
  }
  get invitations(): readonly api.Invitation[] {
    return this.#invitations;
  }
  get jobs(): readonly api.JobDetail[] {
    return this.#jobs;
  }
  get fields(): readonly api.CustomField[] {
    return this.#fields;
  }
  get domains(): readonly api.SendingDomain[] {
    return this.#domains;
  }
  get loaded() {
    return this.#loaded;
  }
  get error() {
    return this.#error;
  }

  // Getters, not $derived fields: the constructor's userId is not set yet when fields initialise.
  get actor(): Actor {
    return { userId: this.userId() ?? '', level: this.#me?.access_level ?? null, agency: Boolean(this.#me?.agency_id) };
  }
  get level() {
    return effectiveLevel(this.actor);
  }
  get orgSettingsRefusal() {
    return whyNotOrgSettings(this.actor);
  }
  get jobsRefusal() {
    return whyNotJobs(this.actor);
  }
  get assignable() {
    return assignableLevels(this.actor);
  }
  get verifiedDomains(): string[] {
    return this.#domains.filter((d) => d.status === 'verified').map((d) => d.domain);
  }
  get activeOrgAdmins(): number {
    return this.#members.filter((m) => m.access_level === 'organization_admin' && !m.deactivated_at && !m.agency_id)
      .length;
  }

  /** Why the signed-in user may not change this person's access (null: may). */
  manageRefusal(m: MemberRow): string | null {
    return whyNotManage(this.actor, m, this.activeOrgAdmins);
  }

  memberName(userId: string): string {
    const m = this.#members.find((x) => x.user_id === userId);
    return m ? m.display_name || m.sender_name || m.sender_email || 'Unnamed' : 'Unknown person';
  }

  /** Loads everything the settings pages show; what the user may not read simply stays empty. */
  async load(): Promise<void> {
    const uid = this.userId();
    if (!uid) return;
    const seq = ++this.#seq;
    const [me, org, members, agencies, invitations, jobs, fields, domains] = await Promise.all([
      api.loadMe(uid),
      api.loadOrganization(),
      api.listMembers(),
      api.listAgencies(),
      api.listInvitations(),
      api.listJobs(),
      api.listCustomFields(),
      api.listDomains(),
    ]);
    if (seq !== this.#seq) return;
    this.#loaded = true;
    const firstError = [me, org, members, agencies, invitations, jobs, fields, domains].find((r) => !r.ok);
    this.#error = firstError && !firstError.ok ? firstError.error : null;
    if (me.ok) this.#me = me.data;
    if (org.ok) this.#org = org.data;
    if (members.ok) this.#members = members.data;
    if (agencies.ok) this.#agencies = agencies.data;
    if (invitations.ok) this.#invitations = invitations.data;
    if (jobs.ok) this.#jobs = jobs.data;
    if (fields.ok) this.#fields = fields.data;
    if (domains.ok) this.#domains = domains.data;
  }

  reset(): void {
    this.#seq++;
    this.#me = null;
    this.#org = null;
    this.#members = [];
    this.#agencies = [];
    this.#invitations = [];
    this.#jobs = [];
    this.#fields = [];
    this.#domains = [];
    this.#loaded = false;
    this.#error = null;
  }

  // Organisation ---------------------------------------------------------------------------

  async saveOrganization(patch: api.OrganizationPatch): Promise<Result<api.Organization>> {
    if (!this.#org) return { ok: false, error: 'No organisation loaded.' };
    const r = await api.updateOrganization(this.#org.id, patch);
    if (r.ok) this.#org = r.data;
    return r;
  }

  // Personal -------------------------------------------------------------------------------

  async saveMe(patch: api.PersonalPatch): Promise<Result<MemberRow>> {
    const uid = this.userId();
    if (!uid) return { ok: false, error: 'Sign in first.' };
    const r = await api.updateMe(uid, patch);
    if (r.ok) {
      this.#me = r.data;
      this.#members = this.#members.map((m) => (m.user_id === uid ? r.data : m));
    }
    return r;
  }

  // People ---------------------------------------------------------------------------------

  async changeMember(userId: string, patch: api.AdminMemberPatch): Promise<Result<MemberRow>> {
    const r = await api.updateMember(userId, patch);
    if (r.ok) this.#members = this.#members.map((m) => (m.user_id === userId ? r.data : m));
    return r;
  }

  async invite(email: string, level: api.AccessLevel, agencyId: string | null, redirectTo: string) {
    if (!this.#org) return { ok: false as const, error: 'No organisation loaded.' };
    const r = await api.invite(this.#org.id, email, level, agencyId, redirectTo);
    // Auth creates the account when it mails the link, which makes the person a member: show them.
    if (r.ok) await this.load();
    return r;
  }

  async withdraw(id: string): Promise<Result<null>> {
    const r = await api.withdrawInvitation(id);
    if (r.ok) this.#invitations = this.#invitations.filter((i) => i.id !== id);
    return r;
  }

  // Jobs -----------------------------------------------------------------------------------

  async #reloadJobs(): Promise<void> {
    const r = await api.listJobs();
    if (r.ok) this.#jobs = r.data;
  }

  async createJob(title: string, confidential: boolean): Promise<Result<api.Job>> {
    if (!this.#org) return { ok: false, error: 'No organisation loaded.' };
    const r = await api.createJob(this.#org.id, title, confidential);
    if (r.ok) await this.#reloadJobs();
    return r;
  }

  async updateJob(id: string, patch: { title?: string; confidential?: boolean }): Promise<Result<api.Job>> {
    const r = await api.updateJob(id, patch);
    if (r.ok) await this.#reloadJobs();
    return r;
  }

  async setJobRole(job: api.Job, userId: string, role: api.JobRole | null): Promise<Result<null>> {
    const r = await api.setJobRole(job, userId, role);
    if (r.ok) await this.#reloadJobs();
    return r;
  }

  async addStage(job: api.JobDetail, name: string): Promise<Result<api.JobStage>> {
    const position = Math.max(-1, ...job.stages.map((s) => s.position)) + 1;
    const r = await api.addJobStage(job, name, position);
    if (r.ok) await this.#reloadJobs();
    return r;
  }

  async renameStage(id: string, name: string): Promise<Result<null>> {
    const r = await api.renameJobStage(id, name);
    if (r.ok) await this.#reloadJobs();
    return r;
  }

  async removeStage(id: string): Promise<Result<null>> {
    const r = await api.removeJobStage(id);
    if (r.ok) await this.#reloadJobs();
    return r;
  }

  // Custom fields --------------------------------------------------------------------------

  async createField(f: { key: string; label: string; type: api.CustomFieldType; options: string[] }) {
    if (!this.#org) return { ok: false as const, error: 'No organisation loaded.' };
    const r = await api.createCustomField(this.#org.id, f);
    if (r.ok) this.#fields = [...this.#fields, r.data];
    return r;
  }

  async renameField(id: string, label: string): Promise<Result<null>> {
    const r = await api.renameCustomField(id, label);
    if (r.ok) this.#fields = this.#fields.map((f) => (f.id === id ? { ...f, label: label.trim() } : f));
    return r;
  }

  async retireField(id: string): Promise<Result<null>> {
    const r = await api.retireCustomField(id);
    if (r.ok) this.#fields = this.#fields.map((f) => (f.id === id ? { ...f, retired_at: nowIso() } : f));
    return r;
  }

  // Sending domains ------------------------------------------------------------------------

  async addDomain(domain: string): Promise<Result<api.SendingDomain>> {
    const uid = this.userId();
    if (!this.#org || !uid) return { ok: false, error: 'No organisation loaded.' };
    const r = await api.addDomain(this.#org.id, uid, domain);
    if (!r.ok) return r;
    this.#domains = [...this.#domains, r.data];
    return this.checkDomain(r.data.id);
  }

  async checkDomain(id: string): Promise<Result<api.SendingDomain>> {
    const r = await api.checkDomain(id);
    const fresh = await api.listDomains();
    if (fresh.ok) this.#domains = fresh.data;
    return r;
  }

  async removeDomain(id: string): Promise<Result<null>> {
    const r = await api.removeDomain(id);
    if (r.ok) this.#domains = this.#domains.filter((d) => d.id !== id);
    return r;
  }
}

/** The settings of the signed-in user, shared by the settings pages; forgotten on sign-out. */
export const settings = new SettingsState(() => session.user?.id ?? null);
session.onReset(() => settings.reset());

const nowIso = () => new Date(Date.now()).toISOString();
