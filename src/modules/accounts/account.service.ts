import { createHash, randomBytes } from "node:crypto";
import { DataSource, In, IsNull, Not, Repository } from "typeorm";
import { ValidationError } from "../../http/errors";
import { message } from "../../i18n/message";
import type { Actor, AuditService } from "../audit/audit.service";
import { Invitation } from "./invitation.entity";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "./passwords";
import { OrganisationRole, SiteRole, User } from "./user.entity";
import { isEmail } from "../../http/field-rules";

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  organisationId?: number | null;
  organisationRole?: OrganisationRole | null;
  siteRole?: SiteRole;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Accounts: passwords, sign-in checks, invitations. */
export class AccountService {
  private readonly users: Repository<User>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.users = dataSource.getRepository(User);
  }

  /**
   * The active user with this email and password, or null. An unknown email costs the same work
   * as a wrong password, so that the answer's timing does not tell whether an account exists.
   */
  async authenticate(email: string, password: string): Promise<User | null> {
    const user = await this.users.findOneBy({ email: normaliseEmail(email) });
    if (!user || !user.passwordHash || user.disabled) {
      await verifyPassword(await dummyHash(), password);
      return null;
    }
    if (!(await verifyPassword(user.passwordHash, password))) return null;
    await this.users.update({ id: user.id }, { lastSignInAt: new Date() });
    return user;
  }

  /** An account by its id, or null. */
  findById(id: number): Promise<User | null> {
    return Number.isSafeInteger(id) ? this.users.findOneBy({ id }) : Promise.resolve(null);
  }

  /** The user a session names, if the session is still valid for them (same session version, not disabled). */
  async findForSession(id: number, sessionVersion: number): Promise<User | null> {
    const user = await this.users.findOneBy({ id });
    if (!user || user.disabled || user.sessionVersion !== sessionVersion) return null;
    return user;
  }

  /** Stores the interface language a person chose. */
  async setLanguage(userId: number, tag: string): Promise<void> {
    await this.users.update({ id: userId }, { language: tag });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: normaliseEmail(email) });
  }

  async create(input: NewUser, actor: Actor): Promise<User> {
    const email = normaliseEmail(input.email);
    const problems: Record<string, string> = {};
    if (!isEmail(email) || email.length > 254) problems.email = message("validation.email");
    const weak = passwordProblem(input.password, [email, input.displayName]);
    if (weak) problems.password = weak;
    if (await this.users.existsBy({ email })) problems.email = message("accounts.errors.emailTaken");
    if (Object.keys(problems).length) throw new ValidationError(problems);
    const passwordHash = await hashPassword(input.password);
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(User);
      const user = await repo.save(
        repo.create({
          email,
          displayName: input.displayName.trim(),
          passwordHash,
          organisationId: input.organisationId ?? null,
          organisationRole: input.organisationRole ?? null,
          siteRole: input.siteRole ?? "none",
          disabled: false,
          sessionVersion: 0,
          lastSignInAt: null,
        }),
      );
      await this.audit.record(manager, actor, {
        action: "user.created",
        entityType: "user",
        entityId: user.id,
        organisationId: user.organisationId,
        changes: { email: [null, email], organisationRole: [null, user.organisationRole], siteRole: [null, user.siteRole] },
      });
      return user;
    });
  }

  /** Changes a password after checking the current one; every other session of the user ends. */
  async changePassword(user: User, current: string, next: string): Promise<User> {
    const fresh = await this.users.findOneByOrFail({ id: user.id });
    const problems: Record<string, string> = {};
    if (!fresh.passwordHash || !(await verifyPassword(fresh.passwordHash, current))) problems.currentPassword = message("accounts.errors.wrongCurrent");
    const weak = passwordProblem(next, [fresh.email, fresh.displayName]);
    if (weak) problems.newPassword = weak;
    if (Object.keys(problems).length) throw new ValidationError(problems);
    const passwordHash = await hashPassword(next);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update({ id: fresh.id }, { passwordHash, sessionVersion: fresh.sessionVersion + 1 });
      await this.audit.record(manager, { id: fresh.id, label: fresh.email }, { action: "user.password_changed", entityType: "user", entityId: fresh.id, organisationId: fresh.organisationId });
    });
    return this.users.findOneByOrFail({ id: fresh.id });
  }

  /** People of an organisation, by name. */
  listForOrganisation(organisationId: number): Promise<User[]> {
    return this.users.find({ where: { organisationId }, order: { displayName: "ASC" } });
  }

  /** The organisation's people who have signed up (chosen a password) and are not disabled. */
  signedUpMembersOf(organisationId: number): Promise<User[]> {
    return this.users.find({ where: { organisationId, organisationRole: In(["admin", "editor"]), disabled: false, passwordHash: Not(IsNull()) }, order: { id: "ASC" } });
  }

  /** The RSO curators who can act (signed up, not disabled). */
  activeCurators(): Promise<User[]> {
    return this.users.find({ where: { siteRole: "curator", disabled: false, passwordHash: Not(IsNull()) }, order: { id: "ASC" } });
  }

  /** Invitations of an organisation not used yet and not expired. */
  async pendingInvitations(organisationId: number): Promise<Invitation[]> {
    const open = await this.dataSource.getRepository(Invitation).find({ where: { organisationId, usedAt: IsNull() }, order: { id: "DESC" } });
    return open.filter((i) => i.expiresAt.getTime() > Date.now());
  }

  /** Creates a single-use invitation and returns the secret token for its link (only its hash is stored). */
  async invite(
    input: { email: string; displayName: string; organisationId: number | null; organisationRole: OrganisationRole | null; siteRole?: SiteRole },
    actor: Actor,
  ): Promise<{ token: string; invitation: Invitation }> {
    const email = normaliseEmail(input.email);
    if (await this.users.existsBy({ email })) throw new ValidationError({ email: message("accounts.errors.emailTaken") });
    const token = randomBytes(32).toString("base64url");
    const invitation = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(Invitation);
      const saved = await repo.save(
        repo.create({
          tokenHash: sha256(token),
          email,
          displayName: input.displayName.trim(),
          organisationId: input.organisationId,
          organisationRole: input.organisationRole,
          siteRole: input.siteRole ?? "none",
          createdById: actor.id,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
          usedAt: null,
        }),
      );
      await this.audit.record(manager, actor, { action: "invitation.created", entityType: "invitation", entityId: saved.id, organisationId: saved.organisationId, changes: { email: [null, email] } });
      return saved;
    });
    return { token, invitation };
  }

  /** The open invitation a token stands for, or null (unknown, used or expired). */
  async findInvitation(token: string): Promise<Invitation | null> {
    const invitation = await this.dataSource.getRepository(Invitation).findOneBy({ tokenHash: sha256(token), usedAt: IsNull() });
    return invitation && invitation.expiresAt.getTime() > Date.now() ? invitation : null;
  }

  /** Sets the invited person's password and creates their account; the invitation cannot be used again. */
  async acceptInvitation(token: string, password: string): Promise<User> {
    const invitation = await this.findInvitation(token);
    if (!invitation) throw new ValidationError({ token: message("accounts.errors.invitationUnknown") });
    const user = await this.create(
      {
        email: invitation.email,
        displayName: invitation.displayName,
        password,
        organisationId: invitation.organisationId,
        organisationRole: invitation.organisationRole,
        siteRole: invitation.siteRole,
      },
      { id: invitation.createdById, label: `invitation ${invitation.id}` },
    );
    await this.dataSource.getRepository(Invitation).update({ id: invitation.id }, { usedAt: new Date() });
    return user;
  }
}
